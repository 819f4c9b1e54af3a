"""Adapters around the external tools the pipeline drives: datamodel-code-generator,
black and ruff, and grpc_tools' protoc."""
