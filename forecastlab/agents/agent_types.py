"""The two agent types (spec §13.1): what each is told and which tools it may call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from forecastlab.agents.experiment_tools import EXPERIMENT_TOOLS
from forecastlab.agents.rag_tools import RAG_TOOLS
from forecastlab.agents.scenario_tools import SCENARIO_TOOLS
from forecastlab.agents.toolkit import Tool

AgentTypeName = Literal["experiment", "rag_assistant"]

_GROUNDING = (
    "Use only data returned by your tools or given in this conversation. Never invent run "
    "ids, store or product ids, metrics or document contents; when a tool fails or finds "
    "nothing, say so."
)
_EXPERIMENT = (
    "You are ForecastLab's experiment agent. You help a demand planner inspect registry runs "
    "(MLflow), run and compare backtests, and draft what-if scenarios. Tools that change "
    "state (create_alias, archive_run, save_scenario) wait for an operator's approval: call "
    "them when the user asks for the change, then tell the user it awaits approval. "
    f"{_GROUNDING} Finish with a short report: the run concerned and its status, a summary, "
    "the key metrics, and recommendations."
)
_RAG_ASSISTANT = (
    "You are ForecastLab's documentation assistant. Answer questions about the platform from "
    "its indexed documentation: call retrieve_context first, check_evidence on the hits, and "
    "cite every passage you use as [source_path:chunk_id]. If the evidence is insufficient, "
    f"say that the documentation does not cover it and give a low confidence. {_GROUNDING} "
    "End the answer with your confidence: low, medium or high."
)


@dataclass(frozen=True)
class AgentType:
    """An agent's instructions and toolset."""

    name: AgentTypeName
    instructions: str
    tools: tuple[Tool, ...]

    def tool(self, name: str) -> Tool | None:
        """The tool of this name, or None when this agent has no such tool."""
        return next((tool for tool in self.tools if tool.name == name), None)


AGENT_TYPES: Final[dict[str, AgentType]] = {
    "experiment": AgentType("experiment", _EXPERIMENT, (*EXPERIMENT_TOOLS, *SCENARIO_TOOLS)),
    "rag_assistant": AgentType("rag_assistant", _RAG_ASSISTANT, RAG_TOOLS),
}
