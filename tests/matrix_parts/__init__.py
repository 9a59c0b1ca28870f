"""Parts of the role × route matrix, one module per feature (issue 7's features).

Each module defines ``matrix() -> dict[str, Spec]`` (import ``only``, ``public``,
``post_only``, ``ORGANIZERS`` … from ``tests.test_access_matrix`` inside the function) and may
define ``extend_world(world: dict, users: dict) -> None`` to add the objects and URL values its
routes need (e.g. a published version, a certificate code)."""
