"""Questions about the routines, answered from the school's own plan with a citation.

Pure Python on purpose (no Bot Framework, HTTP or database imports): the bot calls
``ask`` or ``KnowledgeBase.ask`` and decides how to show the Answer.
"""

from bot.knowledge.loader import PlanValidationError, Problem, load_plan, parse_plan
from bot.knowledge.model import Action, Plan, PlanInfo, Section
from bot.knowledge.reply import reply_text
from bot.knowledge.retrieval import (
    DEFAULT_PLAN_PATH,
    Answer,
    Hit,
    KnowledgeBase,
    Settings,
    ask,
    default_knowledge_base,
)

__all__ = [
    "DEFAULT_PLAN_PATH",
    "Action",
    "Answer",
    "Hit",
    "KnowledgeBase",
    "Plan",
    "PlanInfo",
    "PlanValidationError",
    "Problem",
    "Section",
    "Settings",
    "ask",
    "default_knowledge_base",
    "load_plan",
    "parse_plan",
    "reply_text",
]
