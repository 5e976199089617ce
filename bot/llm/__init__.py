"""Optional OpenAI-compatible backends: written answers and embeddings, always checked."""

from bot.llm.client import LLMError, OpenAICompatible

__all__ = ["LLMError", "OpenAICompatible"]
