"""The openai_fn code generator: OpenAPI spec → types, builders and the operation registry.

Run ``python -m codegen [--spec PATH]`` from the repository root; see ``docs/generator.md``.
"""
