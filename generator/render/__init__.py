"""The render stages: typed contexts from the IR -> Jinja2 templates and tool
adapters (datamodel-code-generator, black, protoc) -> write or check."""
