"""The spec stages: load (and convert) -> overlay -> slice -> validate.

Everything here works on the OpenAPI document as plain JSON data; nothing here
knows about Python code.
"""
