"""Best possible scores of a role-play without enumerating its routes.

A learner's route never visits a scene twice (a choice leading back to a scene on the route cuts
the route back to it: a loop earns and costs nothing), so the scores that matter are those of
routes that are simple in scenes. Finding the best simple path is hard in general, but only inside
a loop: the scenes of a scenario split into strongly connected components (scenes that can reach
each other), and between components the scenario is a DAG. So:

- the *state graph* is explored once, along routes: a state is a scene with the values of the
  variables that matter there (the scenario passes them in the state; without variables a state is
  a scene), and only states some route stands on are explored, so a loop that would change a
  counter without end adds no states (the route is cut back before it closes);
- the components are those of the scene graph (every way on of every choice, conditions ignored);
- across components, dynamic programming over the DAG (each state's best continuation is computed
  once, so the work grows with states × choices, not with routes);
- inside a component that has a loop, the simple paths from each entry state are searched
  exhaustively; that is the only exponential part, and it is bounded by `MAX_STEPS`.

For every state the search keeps, per dimension, the most a continuation to an ending can earn,
and per ending the lowest and highest total of a continuation into it (the coherence check of
ending tiers needs both). Limits are counted in states and search steps, never in routes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

# Exploring a state and taking one step of the search inside a loop each count one; beyond this
# the scenario is refused as too tangled to score (it would be too tangled to play, too). The
# editor's validation is therefore bounded in time whatever the input.
MAX_STEPS = 200_000


# A state of the state graph, whatever the caller makes it (the role-play: a scene and the values).
State = TypeVar("State", bound=Hashable)


@dataclass
class Bests(Generic[State]):
    dimensions: dict[str, int]  # the most any route to an ending earns on each dimension
    possible: int  # the highest total of any route to an ending
    endings: dict[str, tuple[int, int]]  # ending id -> (lowest, highest) total of the routes into it
    states: int  # states of the state graph reachable from the start
    steps: int  # work done, in the unit of MAX_STEPS
    reached: list[State]  # the states some route really reaches (the start first)


class TooTangled(Exception):
    """The search needed more than MAX_STEPS steps."""


Move = tuple[State, dict[str, int]]  # (next state, points by dimension)


def best_scores(
    start: State,
    scene_of: Callable[[State], str],
    moves: Callable[[State], Iterable[Move[State]]],
    ending_of: Callable[[State], str | None],
    dimensions: list[str],
    scene_graph: dict[str, Iterable[str]],
    max_steps: int = MAX_STEPS,
    cost: Callable[[State], int] = lambda state: 1,
) -> Bests[State]:
    """Scores over every route from `start` that visits no scene twice. Raises TooTangled.

    `scene_graph` gives, for every scene, the scenes any of its choices can lead to (conditions
    ignored): its loops decide where the search must go path by path. States are discovered along
    routes only, so a counter that a loop would change without end (a retry that costs trust) never
    makes the state graph grow: the route is cut back before the loop closes. Asking a state for its
    moves costs `cost(state)` steps (the scenario counts the choices and branches it evaluates), so
    the limit bounds the work, not only the number of states."""
    budget = _Budget(max_steps)
    components = _components(scene_graph)
    component_of = {scene_id: number for number, members in enumerate(components) for scene_id in members}
    looped = [len(members) > 1 for members in components]
    graph = _StateGraph(start, scene_of, moves, dimensions, budget, cost)
    scene = graph.scene

    # Forward, sources first: the states a route really reaches, and where routes enter each
    # component. Inside a loop, a choice leading to a scene already on the route cuts the route
    # back, so only the simple paths from the states where routes enter the loop count.
    entered: dict[int, dict[int, None]] = {component_of[scene(0)]: {0: None}}  # ordered sets
    reached = {0}
    exits: dict[int, list[tuple[int, tuple[int, ...]]]] = {}  # entry state -> ways out of its component
    for number in reversed(range(len(components))):
        for index in entered.get(number, []):
            if looped[number]:
                ways: list[tuple[int, tuple[int, ...]]] = []
                for state, gain, inside in _simple_paths(index, graph, component_of, budget):
                    reached.add(state)
                    if not inside:
                        ways.append((state, gain))
            else:
                ways = graph.out(index)
                reached.update(state for state, _gain in ways)
            exits[index] = ways
            for state, _gain in ways:
                entered.setdefault(component_of[scene(state)], {})[state] = None

    # Backward, sinks first: each entry state's best continuations.
    values: dict[int, _Value] = {}
    width = len(dimensions)
    for number in range(len(components)):
        for index in entered.get(number, []):
            ending = ending_of(graph.states[index])
            if ending is not None:
                values[index] = _Value([0] * width, {ending: [0, 0]})
                continue
            value = _Value.empty(width)
            for target, gain in exits[index]:
                value.merge(values[target], gain)
            values[index] = value
    top = values[0]
    return Bests(
        {d: (v if v is not None else 0) for d, v in zip(dimensions, top.dims, strict=True)},
        max((high for _low, high in top.ends.values()), default=0),
        {ending: (low, high) for ending, (low, high) in top.ends.items()},
        len(graph.states),
        budget.used,
        [graph.states[index] for index in sorted(reached)],
    )


class _StateGraph(Generic[State]):
    """States numbered as they are discovered; a state's moves are asked for once, when a route
    first stands on it. A choice that stays in its scene is a loop (cut), so it is no edge."""

    def __init__(
        self,
        start: State,
        scene_of: Callable[[State], str],
        moves: Callable[[State], Iterable[Move[State]]],
        dimensions: list[str],
        budget: _Budget,
        cost: Callable[[State], int],
    ):
        self.states: list[State] = [start]
        self.index: dict[State, int] = {start: 0}
        self.scenes: list[str] = [scene_of(start)]
        self.edges: dict[int, list[tuple[int, tuple[int, ...]]]] = {}
        self._scene_of, self._moves, self._dimensions, self._budget = scene_of, moves, dimensions, budget
        self._cost = cost

    def scene(self, index: int) -> str:
        return self.scenes[index]

    def out(self, index: int) -> list[tuple[int, tuple[int, ...]]]:
        if index not in self.edges:
            self._budget.spend(self._cost(self.states[index]))
            here, found = self.scenes[index], list[tuple[int, tuple[int, ...]]]()
            for target, points in self._moves(self.states[index]):
                scene_id = self._scene_of(target)
                if scene_id == here:
                    continue
                number = self.index.get(target)
                if number is None:
                    number = self.index[target] = len(self.states)
                    self.states.append(target)
                    self.scenes.append(scene_id)
                found.append((number, tuple(points.get(d, 0) for d in self._dimensions)))
            self.edges[index] = found
        return self.edges[index]


class _Budget:
    def __init__(self, limit: int):
        self.limit, self.used = limit, 0

    def spend(self, steps: int = 1) -> None:
        self.used += steps
        if self.used > self.limit:
            raise TooTangled(f"more than {self.limit} states and search steps")


class _Value:
    """A state's best continuations: the most per dimension (None: no ending reachable) and, per
    ending, [lowest, highest] total."""

    __slots__ = ("dims", "ends")

    def __init__(self, dims: list[int | None], ends: dict[str, list[int]]):
        self.dims, self.ends = dims, ends

    @classmethod
    def empty(cls, width: int) -> _Value:
        return cls([None] * width, {})

    def merge(self, other: _Value, gain: tuple[int, ...]) -> None:
        """Take `other` reached through a choice worth `gain` as one more way on."""
        for i, value in enumerate(other.dims):
            mine_i = self.dims[i]
            if value is not None and (mine_i is None or value + gain[i] > mine_i):
                self.dims[i] = value + gain[i]
        total = sum(gain)
        for ending, (low, high) in other.ends.items():
            mine = self.ends.get(ending)
            if mine is None:
                self.ends[ending] = [low + total, high + total]
            else:
                mine[0] = min(mine[0], low + total)
                mine[1] = max(mine[1], high + total)


def _components(scene_graph: dict[str, Iterable[str]]) -> list[list[str]]:
    """Strongly connected components of the scene graph, sinks first (Tarjan, without recursion)."""
    graph = {scene_id: set(targets) for scene_id, targets in scene_graph.items()}
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
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


def _simple_paths(
    entry: int, graph: _StateGraph[State], component_of: dict[str, int], budget: _Budget
) -> Iterator[tuple[int, tuple[int, ...], bool]]:
    """Every route from `entry` that stays inside its loop without visiting a scene twice: yields
    (state, gain since entry, inside) for each state a step reaches, inside the loop or just out of it."""
    scene = graph.scene
    home = component_of[scene(entry)]
    width = len(graph._dimensions)
    # Each frame: (state, gain so far, index of the next edge to try); the route's scenes alongside.
    frames = [(entry, (0,) * width, 0)]
    path = [scene(entry)]
    visited = {scene(entry)}
    while frames:
        state, gain, next_edge = frames.pop()
        edges = graph.out(state)
        if next_edge >= len(edges):
            visited.discard(path.pop())
            continue
        frames.append((state, gain, next_edge + 1))
        target, step = edges[next_edge]
        budget.spend()
        added = tuple(a + b for a, b in zip(gain, step, strict=True))
        if component_of[scene(target)] != home:
            yield target, added, False
        elif scene(target) not in visited:
            yield target, added, True
            frames.append((target, added, 0))
            path.append(scene(target))
            visited.add(scene(target))
