"""Turn the report's counts into tables (rows of numbers) and the charts drawn from them."""

from django.utils import timezone

from accounts_requests.models import Platform
from moderation.models import Action, HateCrimeStrand

# Looked up once: an enum's own lookup costs more than a dict's, row after row.
ACTION_LABELS = dict(Action.choices)
PLATFORM_LABELS = dict(Platform.choices)


def _month_key(value):
    if hasattr(value, "date") and callable(value.date):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    return value.replace(day=1)


def _matrix(rows, row_key, col_key, columns):
    """{row label: [count per column]}, rows sorted by their total, largest first."""
    index = {col: i for i, col in enumerate(columns)}
    table = {}
    for row in rows:
        label = row_key(row)
        col = col_key(row)
        if col not in index:
            continue
        table.setdefault(label, [0] * len(columns))[index[col]] += row["n"]
    ordered = sorted(table.items(), key=lambda item: (-sum(item[1]), item[0]))
    return [{"label": label, "counts": counts, "total": sum(counts)} for label, counts in ordered]


def _account_label(row):
    return f"{row['entry__account__name']} ({PLATFORM_LABELS[row['entry__account__platform']]})"


def shape(raw):
    months = raw["months"]
    month_labels = [m.strftime("%b %Y") for m in months]

    def per_month(rows, label):
        return _matrix(rows, label, lambda r: _month_key(r["month"]), months)

    category_by_month = per_month(raw["by_month_category"], lambda r: r["category__name"])
    action_by_month = per_month(raw["by_month_action"], lambda r: ACTION_LABELS[r["action"]])

    categories = sorted({r["category__name"] for r in raw["by_account_category"]})
    done = {r["action"] for r in raw["by_account_action"]}
    actions = [label for value, label in Action.choices if value in done]
    account_by_category = _matrix(
        raw["by_account_category"], _account_label, lambda r: r["category__name"], categories
    )
    account_by_action = _matrix(
        raw["by_account_action"], _account_label, lambda r: ACTION_LABELS[r["action"]], actions
    )

    urgent = {_month_key(r["month"]): r for r in raw["urgent"]}
    urgent_rows = []
    for month, label in zip(months, month_labels, strict=True):
        row = urgent.get(month, {})
        urgent_rows.append(
            {
                "label": label,
                "entries": row.get("entries", 0),
                "safeguarding": row.get("safeguarding", 0),
                "hate_crime": row.get("hate_crime", 0),
                "police": row.get("police", 0),
                "incidents": row.get("incidents", 0),
            }
        )
    strands = [
        {"label": HateCrimeStrand(r["hate_crime_strand"]).label, "n": r["n"]}
        for r in sorted(raw["strands"], key=lambda r: -r["n"])
    ]

    def chart(labels, rows):
        return {
            "labels": labels,
            "datasets": [{"label": row["label"], "data": row["counts"]} for row in rows],
        }

    def transposed(rows, columns):
        """Stack accounts' bars by column: one dataset per column, one bar per account."""
        return {
            "labels": [row["label"] for row in rows],
            "datasets": [
                {"label": col, "data": [row["counts"][i] for row in rows]}
                for i, col in enumerate(columns)
            ],
        }

    return {
        "month_labels": month_labels,
        "category_by_month": category_by_month,
        "action_by_month": action_by_month,
        "categories": categories,
        "actions": actions,
        "account_by_category": account_by_category,
        "account_by_action": account_by_action,
        "urgent_rows": urgent_rows,
        "strands": strands,
        "total": sum(row["entries"] for row in urgent_rows),
        "busiest_only": raw.get("busiest_only", False),
        "busiest_count": len({row["label"] for row in account_by_category + account_by_action}),
        "charts": {
            "categoryByMonth": chart(month_labels, category_by_month),
            "actionByMonth": chart(month_labels, action_by_month),
            "accountByCategory": transposed(account_by_category, categories),
            "accountByAction": transposed(account_by_action, actions),
        },
    }
