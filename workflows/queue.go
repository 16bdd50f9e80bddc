package workflows

// TaskQueueOf returns the task queue of Guichet's workflows (tickets,
// webhook deliveries, directory synchronisation) given the configured one
// (temporal.task_queue): that one when set, else TaskQueue. The workers
// poll it and every starter starts workflows on it.
func TaskQueueOf(configured string) string {
	if configured != "" {
		return configured
	}
	return TaskQueue
}
