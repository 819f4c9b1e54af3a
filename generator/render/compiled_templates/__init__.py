"""apigen's built-in Jinja templates compiled to Python (generator/render/precompiled.py).

Written by `python -m generator.render.precompiled`; do not edit. Each module's first
line says which template source it was compiled from; a module that does not match
its template is not used.
"""
