export * from './safeguarding-review.entity';
export * from './safeguarding-review-flag.entity';
export * from './safeguarding-review-history.entity';
export * from './safeguarding-review-clock.entity';
export * from './safeguarding-review-imr-request.entity';
export * from './safeguarding-review-learning.entity';
