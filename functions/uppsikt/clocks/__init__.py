"""Response clocks: which comments ask the organisation something, and business time.

`questions.detect_question` says whether a visitor's comment asks something, with the cues that
decided it (an officer's "not a question" overrides it later). `business_time` turns a response
target into a due moment in the organisation's open hours, time zone and public holidays, and
measures how much business time has passed. The clock state machine, the scheduled tick and
their storage build on these.
"""

from uppsikt.clocks.business_time import (
    BusinessCalendar,
    Jurisdiction,
    Weekday,
    business_elapsed,
    closed_days,
    due_at,
)
from uppsikt.clocks.errors import BadSchedule, ClockError, NotAMoment
from uppsikt.clocks.questions import QuestionGuess, detect_question

__all__ = [
    "BadSchedule",
    "BusinessCalendar",
    "ClockError",
    "Jurisdiction",
    "NotAMoment",
    "QuestionGuess",
    "Weekday",
    "business_elapsed",
    "closed_days",
    "detect_question",
    "due_at",
]
