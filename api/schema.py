"""The OpenAPI schema names our Bearer token scheme (drf-spectacular finds this on import)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (uhb_...), made on the API tokens page.",
        }


ERROR = {
    "type": "object",
    "description": "Why the request was refused: `detail`, or each field with its messages.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
ERRORS = {
    "400": "A filter's value is not one the API takes; each such field is named.",
    "401": "No token, or one that is wrong, expired or revoked.",
    "403": "The token's person may not read this.",
    "404": "No such row (or page).",
    "405": "The API reads only.",
    "429": "Too many requests: wait as `Retry-After` says.",
}


def document_errors(result, generator, request, public):
    """Every operation documents the refusals it can give (issue 29: only 200 was), each with
    the one error shape: a drf-spectacular postprocessing hook."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            codes = ["401", "403", "405", "429"]
            if operation.get("parameters") or "{" in path:
                codes.append("400")
            if "{" in path or any(p.get("name") == "page" for p in operation.get("parameters", [])):
                codes.append("404")
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": ERRORS[code],
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
    return result
