// Scheduled work: daily jobs at a London time, run once across instances (scheduler.ts), ticked by pg-boss (job-queue.ts).
export { latestDailySlot } from './daily-slot';
export { startJobQueue, TICK_QUEUE, JOBS_SCHEMA, type JobQueue, type JobQueueOptions } from './job-queue';
export { createScheduler, type DailyRun, type Scheduler } from './scheduler';
