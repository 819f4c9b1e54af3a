"""apigen: schema-driven generator of typed Python bindings for Kubernetes APIs.

The pipeline reads top to bottom, one sub-package per group of stages::

    spec/    load -> overlay -> slice -> validate
    ir/      lower (frozen dataclasses, checked names)
    render/  contexts -> templates and tools -> format -> write | check
    drift/   fetch, import, diff

`generator.render.pipeline.generate` runs it and returns the files; `generator.render.output`
writes or checks them.
"""

__version__ = "0.1.0"
