"""History rows are still written and read per instance, while the manager class behind `instance.history` is built
once (django-simple-history otherwise rebuilds it, with inspect, on every tracked save)."""

import pytest

from cse.cartella.models import Assistito
from tests.support.factories import AssistitoFactory

pytestmark = pytest.mark.django_db


def test_every_history_access_shares_one_manager_class():
    first, second = AssistitoFactory(), AssistitoFactory()

    assert type(first.history) is type(second.history)


def test_the_shared_class_still_answers_for_its_own_instance():
    first, second = AssistitoFactory(), AssistitoFactory()
    first.telefono = "0801234567"
    first.save()

    assert first.history.first().telefono == "0801234567"
    assert first.history.count() == Assistito.history.filter(id=first.pk).count() == 2
    assert second.history.count() == 1
