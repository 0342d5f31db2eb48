"""Needy-worker households on file: the file, its people, visits, documents, filing batches and the plan."""
from households.models.household import (  # noqa: F401
    Cause,
    CivilStatus,
    ExitReason,
    FilingBatch,
    Health,
    HomeVisit,
    Household,
    HouseholdDocument,
    HouseholdPerson,
    PlanHeading,
    PlanMeasure,
    SchoolLevel,
)
