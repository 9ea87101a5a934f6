"""Keep each account's ``FiguresSummary`` in step with its figures and targets.

Called in the same transaction as every change to figures (form, import) or targets, for
the accounts concerned; ``refresh()`` with no ids rebuilds every summary (after a bulk
load, or with ``manage.py refresh_figures_summaries``). One query reads the facts of all
the accounts asked for and one statement writes them: no loop of queries per account.
"""

from accounts_requests.kpi.health import figure_facts
from accounts_requests.models import FiguresSummary, ManagedAccount

BATCH = 2000


def refresh(account_ids=None):
    accounts = ManagedAccount.objects.order_by("pk")
    if account_ids is not None:
        accounts = accounts.filter(pk__in=list(account_ids))
    rows = figure_facts(accounts).values("pk", *FiguresSummary.FACTS)
    summaries = [FiguresSummary(account_id=row.pop("pk"), **row) for row in rows]
    FiguresSummary.objects.bulk_create(
        summaries,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["account"],
        update_fields=[*FiguresSummary.FACTS, "refreshed_at"],
    )
    return len(summaries)
