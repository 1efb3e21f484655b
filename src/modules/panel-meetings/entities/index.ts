export * from './panel-quorum-rule.entity';
export * from './panel-meeting.entity';
export * from './panel-meeting-member.entity';
export * from './panel-meeting-agenda-item.entity';
export * from './case-recusal.entity';
export * from './case-review-meeting.entity';
