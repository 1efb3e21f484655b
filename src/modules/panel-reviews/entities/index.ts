export * from './panel-review-setting.entity';
export * from './case-review.entity';
export * from './review-action.entity';
export * from './review-action-update.entity';
