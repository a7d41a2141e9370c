"""ccecon: contact-center economics.

Business cases (ROI, NPV, IRR, payback), unit costs, staffing, sourcing decisions and
their uncertainty, from scenario files and from a contact center's own records.

The public API is listed in ``__all__``; heavy submodules (data, reports, web) are imported
on demand so that ``import ccecon`` and ``ccecon --help`` stay fast.
"""

from __future__ import annotations

__version__ = "0.1.0"

from ccecon.errors import CCEconError as CCEconError
from ccecon.errors import DataError as DataError
from ccecon.errors import InputError as InputError
from ccecon.errors import NoSolutionError as NoSolutionError

__all__ = [
    "CCEconError",
    "DataError",
    "InputError",
    "NoSolutionError",
    "__version__",
]
