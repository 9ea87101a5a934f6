"""KPI figures, account health, annual reviews and closure of managed accounts."""
