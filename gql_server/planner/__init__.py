"""The planned read path: validated queries compiled into breadth-first loader batches."""

from gql_server.planner.extension import QueryPlanner, QueryPlans

__all__ = ["QueryPlanner", "QueryPlans"]
