"""Written answers from a language model, held to the passages they cite (optional: PVD_LLM_* settings).

``Writer`` turns the engine's retrieval into 2–4 French sentences, each citing its passages; the grounding
guard (``check_sentence``, ``guard``) drops any sentence that is not traceable to them; any failure gives the
extractive answer back. The prompt is ``prompt.md`` beside this module.
"""

from bot.writing._config import DEFAULT_TIMEOUT_SECONDS, LlmConfig, llm_config
from bot.writing._guard import Dropped, SentenceSplitter, Verdict, check_sentence, citations, guard
from bot.writing._prompt import build_messages, says_no_answer
from bot.writing._writer import OnText, Writer, WritingOutcome

__all__ = [
    "DEFAULT_TIMEOUT_SECONDS", "Dropped", "LlmConfig", "OnText", "SentenceSplitter", "Verdict", "Writer",
    "WritingOutcome", "build_messages", "check_sentence", "citations", "guard", "llm_config", "says_no_answer",
]
