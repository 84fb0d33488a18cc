"""The activities fixture of the pages' tests, for the services' tests too."""

from tests.functional.activities.conftest import activities  # noqa: F401  (fixture)
from tests.functional.training.conftest import placed  # noqa: F401  (fixture)
