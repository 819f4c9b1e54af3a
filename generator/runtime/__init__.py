"""Fixed runtime modules: real Python source, copied into every generated package
that needs them, with the generated header in front and nothing else changed.

They import only each other (relatively) and the standard library or their
third-party dependencies, never `generator`, so a copied module works wherever
the package is vendored. They are linted, type-checked and black-stable in this
repository like any source file.
"""
