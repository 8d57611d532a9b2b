from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class Pages(PageNumberPagination):
    """`count`, `next`, `previous`, `results`; 100 a page, up to 1,000 with `page_size`.

    A page past the last is empty, not an error (issue 29): the Power BI service refreshes only
    queries whose URL is fixed, so its paging asks for pages 1, 2, 3… up to what the count says,
    and a tool that asks one page too many should get no rows, not a failure. A page that is
    not a positive whole number is still a 404."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def paginate_queryset(self, queryset, request, view=None):
        self.past_the_end = False
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            number = request.query_params.get(self.page_query_param, "")
            if not (number.isdigit() and 1 <= len(number) <= 9 and int(number) >= 1):
                raise
            paginator = self.django_paginator_class(queryset, self.get_page_size(request))
            if int(number) <= paginator.num_pages:
                raise
            self.request, self.past_the_end, self.count = request, True, paginator.count
            return []

    def get_paginated_response(self, data):
        if self.past_the_end:
            return Response({"count": self.count, "next": None, "previous": None, "results": []})
        return super().get_paginated_response(data)
