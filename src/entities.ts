// Every table's TypeORM entity, for the DataSource (listed, not globbed, so tsc, swc and tsx load the same set).
// `npm run check:schema` holds them to the schema the migrations build.
import { AuditChainLinkEntity, AuditEventEntity } from './audit';
import { ApiClientEntity, ClientAssertionJtiEntity, OAuthTokenEndpointEntity } from './auth/api-clients';
import { SamlAssertionSeenEntity, SamlRequestEntity } from './auth/saml';
import { UserSessionEntity } from './auth/sessions';
import { AGENCY_FORMS_ENTITIES } from './modules/agency-forms';
import { CASES_ENTITIES } from './modules/cases';
import { FAMILY_ENTITIES } from './modules/family';
import { AgencyEntity, PanelEntity, PanelLocalAuthorityEntity } from './modules/directory';
import { NotificationEntity } from './modules/notifications';
import { PANEL_MEETINGS_ENTITIES } from './modules/panel-meetings';
import { PANEL_REVIEWS_ENTITIES } from './modules/panel-reviews';
import { SAFEGUARDING_REVIEWS_ENTITIES } from './modules/safeguarding-reviews';
import { SCR_TRIGGERS_ENTITIES } from './modules/scr-triggers';
import { UserEntity } from './modules/users';
import { RateLimitEntity } from './platform/http/rate-limit.entity';
import { IdempotencyKeyEntity } from './platform/idempotency/idempotency-key.entity';
import { ScheduledRunEntity } from './platform/jobs/scheduled-run.entity';
import { OutboxMessageEntity } from './platform/outbox/outbox-message.entity';

export const ENTITIES = [
  PanelEntity,
  PanelLocalAuthorityEntity,
  AgencyEntity,
  UserEntity,
  UserSessionEntity,
  SamlRequestEntity,
  SamlAssertionSeenEntity,
  ApiClientEntity,
  ClientAssertionJtiEntity,
  OAuthTokenEndpointEntity,
  AuditEventEntity,
  AuditChainLinkEntity,
  ...CASES_ENTITIES,
  NotificationEntity,
  ...AGENCY_FORMS_ENTITIES,
  ...PANEL_MEETINGS_ENTITIES,
  ...SCR_TRIGGERS_ENTITIES,
  IdempotencyKeyEntity,
  RateLimitEntity,
  OutboxMessageEntity,
  ScheduledRunEntity,
  ...FAMILY_ENTITIES,
  ...PANEL_REVIEWS_ENTITIES,
  ...SAFEGUARDING_REVIEWS_ENTITIES,
];

/** Columns no entity maps (types TypeORM lacks), per table, with their PostgreSQL types. */
export { UNMAPPED_COLUMNS } from './audit';
