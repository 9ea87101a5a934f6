# SafeguardingOutcome is shared with staff reports; moderation code reads it from here.
from portal.models import SafeguardingOutcome

from .commenter import Commenter, ManagementPlan, PlanStep
from .entry import (
    Action,
    AuthorTold,
    Entry,
    EntryAction,
    EntryCategory,
    EntryEvent,
    HateCrimeStrand,
    Reconsideration,
)
from .evidence import Erasure, EvidenceDownload, EvidenceFile, ExportRecord
from .rights import RightsRequest
from .rollup import MonthlyCount
from .taxonomy import Category

__all__ = [
    "Action",
    "AuthorTold",
    "Category",
    "Commenter",
    "Entry",
    "EntryAction",
    "EntryCategory",
    "EntryEvent",
    "Erasure",
    "EvidenceDownload",
    "EvidenceFile",
    "ExportRecord",
    "HateCrimeStrand",
    "ManagementPlan",
    "MonthlyCount",
    "PlanStep",
    "Reconsideration",
    "RightsRequest",
    "SafeguardingOutcome",
]
