"""apigen: schema-driven generator of typed Python bindings for Kubernetes APIs.

The pipeline reads top to bottom, one module per stage::

    load -> slice -> validate -> lower (IR) -> render -> format -> write | check

`generator.pipeline.generate` runs it and returns the files; `generator.output`
writes or checks them.
"""

__version__ = "0.1.0"
