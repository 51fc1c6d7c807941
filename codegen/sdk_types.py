"""Type names: spec schema name → the official `openai` package's name for the same type.

Users of the official SDK know ``ChatCompletion``, ``FileObject``, ``Assistant`` …; the spec calls
them ``CreateChatCompletionResponse``, ``OpenAIFile``, ``AssistantObject``. The generated class takes
the SDK's name (so reprs, ``describe_decoder`` and builders' return annotations read like the SDK)
and the spec's name stays importable as an alias of the same class object.

Extracted once from the SDK's resources (each method's return annotation, matched to the spec's
operations by method + path) and its ``types`` package, then kept here as a table: generating
needs only the spec. Only names that are unambiguous are listed: where the SDK gives one spec type
a different name per method (``RoleCreateResponse``, ``EvalRetrieveResponse`` …) the spec's name
stays. Names the spec already uses for another schema are left out (``Message``: the SDK's threads
message is the spec's ``MessageObject``, and ``Message`` is a Responses input; ``Moderation``;
``Group``). A stale entry (the spec name is gone) or a clash fails the run.

TypedDicts (``…Param``) keep the spec's names.
"""

from __future__ import annotations

__all__ = ["SDK_TYPE_NAMES"]

SDK_TYPE_NAMES: dict[str, str] = {
    # chat and completions
    "CreateChatCompletionResponse": "ChatCompletion",
    "CreateChatCompletionStreamResponse": "ChatCompletionChunk",
    "ChatCompletionResponseMessage": "ChatCompletionMessage",
    "ChatCompletionMessageListDataItem": "ChatCompletionStoreMessage",
    "CreateCompletionResponse": "Completion",
    # files, models, moderations
    "OpenAIFile": "FileObject",
    "DeleteFileResponse": "FileDeleted",
    "DeleteModelResponse": "ModelDeleted",
    "CreateModerationResponse": "ModerationCreateResponse",
    # audio
    "CreateTranscriptionResponseJson": "Transcription",
    "CreateTranscriptionResponseVerboseJson": "TranscriptionVerbose",
    "CreateTranscriptionResponseDiarizedJson": "TranscriptionDiarized",
    "CreateTranscriptionResponseStreamEvent": "TranscriptionStreamEvent",
    "CreateTranslationResponseJson": "Translation",
    "CreateTranslationResponseVerboseJson": "TranslationVerbose",
    "VoiceConsentResource": "VoiceConsent",
    "VoiceConsentDeletedResource": "VoiceConsentDeleted",
    "VoiceResource": "Voice",
    # fine-tuning graders
    "RunGraderResponse": "GraderRunResponse",
    "ValidateGraderResponse": "GraderValidateResponse",
    # assistants, threads, runs
    "AssistantObject": "Assistant",
    "DeleteAssistantResponse": "AssistantDeleted",
    "ThreadObject": "Thread",
    "DeleteThreadResponse": "ThreadDeleted",
    "DeleteMessageResponse": "MessageDeleted",
    "RunObject": "Run",
    "RunStepObject": "RunStep",
    # vector stores
    "VectorStoreObject": "VectorStore",
    "DeleteVectorStoreResponse": "VectorStoreDeleted",
    "VectorStoreFileBatchObject": "VectorStoreFileBatch",
    "VectorStoreFileObject": "VectorStoreFile",
    "DeleteVectorStoreFileResponse": "VectorStoreFileDeleted",
    "VectorStoreSearchResultItem": "VectorStoreSearchResponse",
    # responses and conversations
    "ItemResource": "ResponseItem",
    "BetaItemResource": "BetaResponseItem",
    "TokenCountsResource": "InputTokenCountResponse",
    "CompactResource": "CompactedResponse",
    "BetaCompactResource": "BetaCompactedResponse",
    "ConversationResource": "Conversation",
    "DeletedConversationResource": "ConversationDeletedResource",
    # videos, skills, chatkit, content provenance
    "VideoResource": "Video",
    "DeletedVideoResource": "VideoDeleteResponse",
    "SkillResource": "Skill",
    "DeletedSkillResource": "DeletedSkill",
    "SkillVersionResource": "SkillVersion",
    "DeletedSkillVersionResource": "DeletedSkillVersion",
    "ChatSessionResource": "ChatSession",
    "ThreadResource": "ChatKitThread",
    "ProvenanceResource": "ContentProvenanceCheck",
    # realtime
    "RealtimeCreateClientSecretResponse": "ClientSecretCreateResponse",
    "RealtimeTranscriptionSessionCreateResponse": "TranscriptionSession",
    # admin
    "AdminApiKey": "AdminAPIKey",
    "AdminApiKeyCreateResponse": "AdminAPIKeyCreateResponse",
    "ProjectApiKey": "ProjectAPIKey",
    "User": "OrganizationUser",
    "GroupUser": "OrganizationGroupUser",
    "OrganizationSpendLimitResource": "OrganizationSpendLimit",
    "OrganizationSpendLimitDeletedResource": "OrganizationSpendLimitDeleted",
    "ProjectSpendLimitResource": "ProjectSpendLimit",
    "ProjectSpendLimitDeletedResource": "ProjectSpendLimitDeleted",
}
