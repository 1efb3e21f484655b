export * from './form-template.entity';
export * from './form-template-version.entity';
export * from './form-request.entity';
export * from './form-draft.entity';
export * from './form-submission.entity';
export * from './form-attachment.entity';
