export * from './case-family.entity';
export * from './case-family-contact.entity';
export * from './case-family-question.entity';
