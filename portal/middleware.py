class NoStoreMiddleware:
    """Pages and API answers carry personal data: browsers and proxies must not keep them.

    Static files are served before this middleware by WhiteNoise and stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers["Cache-Control"] = "no-store, private"
        response.headers.setdefault("Permissions-Policy",
                                    "camera=(), geolocation=(), microphone=(self)")
        return response
