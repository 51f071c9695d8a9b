"""Best possible scores of a role-play without enumerating its routes.

A learner's route never visits a scene twice (a choice leading back to a scene on the route cuts
the route back to it: a loop earns and costs nothing), so the scores that matter are those of
routes that are simple in scenes. Finding the best simple path is hard in general, but only inside
a loop: the scenes of a scenario split into strongly connected components (scenes that can reach
each other), and between components the scenario is a DAG. So:

- the *state graph* is explored once: a state is a scene with the values of the variables that
  matter there (the scenario passes them in the state; without variables a state is a scene);
- across components, dynamic programming over the DAG (each state's best continuation is computed
  once, so the work grows with states × choices, not with routes);
- inside a component that has a loop, the simple paths from each entry state are searched
  exhaustively; that is the only exponential part, and it is bounded by `MAX_STEPS`.

For every state the search keeps, per dimension, the most a continuation to an ending can earn,
and per ending the lowest and highest total of a continuation into it (the coherence check of
ending tiers needs both). Limits are counted in states and search steps, never in routes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

# Exploring a state and taking one step of the search inside a loop each count one; beyond this
# the scenario is refused as too tangled to score (it would be too tangled to play, too). The
# editor's validation is therefore bounded in time whatever the input.
MAX_STEPS = 200_000


@dataclass
class Bests:
    dimensions: dict[str, int]  # the most any route to an ending earns on each dimension
    possible: int  # the highest total of any route to an ending
    endings: dict[str, tuple[int, int]]  # ending id -> (lowest, highest) total of the routes into it
    states: int  # states of the state graph reachable from the start
    steps: int  # work done, in the unit of MAX_STEPS
    reached: list  # the states some route really reaches (the start first)


class TooTangled(Exception):
    """The search needed more than MAX_STEPS steps."""


Move = tuple[Hashable, dict[str, int]]  # (next state, points by dimension)


def best_scores(
    start: Hashable,
    scene_of: Callable[[Hashable], str],
    moves: Callable[[Hashable], Iterable[Move]],
    ending_of: Callable[[Hashable], str | None],
    dimensions: list[str],
    max_steps: int = MAX_STEPS,
) -> Bests:
    """Scores over every route from `start` that visits no scene twice. Raises TooTangled."""
    budget = _Budget(max_steps)
    states, edges = _explore(start, scene_of, moves, dimensions, budget)
    scene = [scene_of(s) for s in states]
    components = _components(scene, edges)
    component_of = {}
    for number, members in enumerate(components):
        for scene_id in members:
            component_of[scene_id] = number
    by_component: dict[int, list[int]] = {}
    for index, scene_id in enumerate(scene):
        by_component.setdefault(component_of[scene_id], []).append(index)
    looped = [len(members) > 1 for members in components]

    # Forward, sources first: the states a route really reaches. Inside a loop, a choice leading to
    # a scene already on the route cuts the route back, so only the simple paths from the states
    # where routes enter the loop count.
    reached = {0}
    entered: set[int] = {0}
    for number in reversed(range(len(components))):
        for index in by_component.get(number, []):
            if index not in reached:
                continue
            if not looped[number]:
                reached.update(target for target, _gain in edges[index])
                continue
            if index not in entered:
                continue
            for state, _gain, inside in _simple_paths(index, edges, scene, component_of, budget):
                reached.add(state)
                if not inside:
                    entered.add(state)
        for index in by_component.get(number, []):
            for target, _gain in edges[index] if index in reached else ():
                if component_of[scene[target]] != number:
                    entered.add(target)

    # Backward, sinks first: each reached state's best continuations.
    values: dict[int, _Value] = {}
    width = len(dimensions)
    for number in range(len(components)):
        for index in by_component.get(number, []):
            if index not in reached:
                continue
            ending = ending_of(states[index])
            if ending is not None:
                values[index] = _Value([0] * width, {ending: [0, 0]})
            elif not looped[number]:
                value = _Value.empty(width)
                for target, gain in edges[index]:
                    value.merge(values[target], gain)
                values[index] = value
            elif index in entered:
                value = _Value.empty(width)
                for target, gain, inside in _simple_paths(index, edges, scene, component_of, budget):
                    if not inside:
                        value.merge(values[target], gain)
                values[index] = value
    top = values[0]
    return Bests(
        {d: (v if v is not None else 0) for d, v in zip(dimensions, top.dims, strict=True)},
        max((high for _low, high in top.ends.values()), default=0),
        {ending: (low, high) for ending, (low, high) in top.ends.items()},
        len(states),
        budget.used,
        [states[index] for index in sorted(reached)],
    )


class _Budget:
    def __init__(self, limit: int):
        self.limit, self.used = limit, 0

    def spend(self) -> None:
        self.used += 1
        if self.used > self.limit:
            raise TooTangled(f"more than {self.limit} states and search steps")


class _Value:
    """A state's best continuations: the most per dimension (None: no ending reachable) and, per
    ending, [lowest, highest] total."""

    __slots__ = ("dims", "ends")

    def __init__(self, dims, ends):
        self.dims, self.ends = dims, ends

    @classmethod
    def empty(cls, width: int) -> _Value:
        return cls([None] * width, {})

    def merge(self, other: _Value, gain: tuple[int, ...]) -> None:
        """Take `other` reached through a choice worth `gain` as one more way on."""
        for i, value in enumerate(other.dims):
            if value is not None and (self.dims[i] is None or value + gain[i] > self.dims[i]):
                self.dims[i] = value + gain[i]
        total = sum(gain)
        for ending, (low, high) in other.ends.items():
            mine = self.ends.get(ending)
            if mine is None:
                self.ends[ending] = [low + total, high + total]
            else:
                mine[0] = min(mine[0], low + total)
                mine[1] = max(mine[1], high + total)


def _explore(start, scene_of, moves, dimensions, budget):
    """States reachable from start and their edges [(target, gain per dimension)]; a choice that
    stays in its scene is a loop (cut), so it is no edge."""
    index = {start: 0}
    states, edges, frontier = [start], [], [start]
    while frontier:
        state = frontier.pop()
        budget.spend()
        out = []
        here = scene_of(state)
        for target, points in moves(state):
            if scene_of(target) == here:
                continue
            if target not in index:
                index[target] = len(states)
                states.append(target)
                frontier.append(target)
            out.append((index[target], tuple(points.get(d, 0) for d in dimensions)))
        # States are numbered on discovery, not popped in order: keep edges by state number.
        while len(edges) <= index[state]:
            edges.append(None)
        edges[index[state]] = out
    return states, edges


def _components(scene: list[str], edges) -> list[list[str]]:
    """Strongly connected components of the scene graph, sinks first (Tarjan, without recursion)."""
    graph: dict[str, set[str]] = {}
    for source, targets in enumerate(edges):
        graph.setdefault(scene[source], set()).update(scene[t] for t, _gain in targets)
    order, low, on_stack, stack, found = {}, {}, set(), [], []
    for root in graph:
        if root in order:
            continue
        work = [(root, iter(sorted(graph[root])))]
        order[root] = low[root] = len(order)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in order:
                    order[child] = low[child] = len(order)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], order[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == order[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                found.append(members)
    return found


def _simple_paths(entry, edges, scene, component_of, budget):
    """Every route from `entry` that stays inside its loop without visiting a scene twice: yields
    (state, gain since entry, inside) for each state a step reaches, inside the loop or just out of it."""
    home = component_of[scene[entry]]
    width = len(edges[entry][0][1]) if edges[entry] else 0
    # Each frame: (state, gain so far, index of the next edge to try); the route's scenes alongside.
    frames = [(entry, (0,) * width, 0)]
    path = [scene[entry]]
    visited = {scene[entry]}
    while frames:
        state, gain, next_edge = frames.pop()
        if next_edge >= len(edges[state]):
            visited.discard(path.pop())
            continue
        frames.append((state, gain, next_edge + 1))
        target, step = edges[state][next_edge]
        budget.spend()
        added = tuple(a + b for a, b in zip(gain, step, strict=True))
        if component_of[scene[target]] != home:
            yield target, added, False
        elif scene[target] not in visited:
            yield target, added, True
            frames.append((target, added, 0))
            path.append(scene[target])
            visited.add(scene[target])
