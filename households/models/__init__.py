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
from households.models.roster import CivilRoster, CivilRosterEntry, CivilRosterMatch  # noqa: F401
from households.models.cycle import Cycle, CycleExclusion, CycleLine, ProgrammeEnrolment  # noqa: F401
