"""The intermediate representation: frozen dataclasses, checked names, and the
lowering from a validated OpenAPI slice to them."""
