"""Which packages the wheel holds; everything else is in pyproject.toml.

`templates/` and `specs/` stay at the top of the repository and are mapped
into the package as data (generator._templates, generator._specs), so an
installed apigen finds them through importlib.resources.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["generator", "generator.*"]), "generator._templates", "generator._specs"],
    package_dir={"generator._templates": "templates", "generator._specs": "specs"},
)
