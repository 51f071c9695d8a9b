"""Workbench helpers shared by the blocks' tests."""

from workbench.runtime import WorkbenchRuntime


class RecordingRuntime(WorkbenchRuntime):
    """The workbench runtime, also keeping the events blocks publish (the workbench only logs them)."""

    def __init__(self, user_id):
        super().__init__(user_id)
        self.events = []

    def publish(self, block, event_type, event_data):
        self.events.append((event_type, event_data))
        super().publish(block, event_type, event_data)
