import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group


class UserFactory(factory.django.DjangoModelFactory):
    """A user; role=<group name>, owners=[Owner...] and assurance_groups=[...] give roles."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.nhs.uk")
    password = factory.django.Password("a-strong-test-password")

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if create and extracted:
            user.groups.add(Group.objects.get(name=extracted))

    @factory.post_generation
    def owners(user, create, extracted, **kwargs):
        if create and extracted:
            for owner in extracted:
                owner.users.add(user)

    @factory.post_generation
    def assurance_groups(user, create, extracted, **kwargs):
        if create and extracted:
            for group in extracted:
                group.secretaries.add(user)
