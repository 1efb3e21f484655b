// Every migration, in order. Listed explicitly (no globs) so tsc, swc and the
// built dist all load the same set.
import { Directory1764057600000 } from './1764057600000-directory';
import { IdentityAndAudit1764144000000 } from './1764144000000-identity-and-audit';
import { NotificationsAndCases1764230400000 } from './1764230400000-notifications-and-cases';
import { IntakeInOneStatement1764316800000 } from './1764316800000-intake-in-one-statement';
import { ApiClientsChangeNotify1795605656485 } from './1795605656485-api-clients-change-notify';
import { IntakeInTypescript1796048597897 } from './1796048597897-intake-in-typescript';
import { RateLimits1796052613040 } from './1796052613040-rate-limits';
import { TokenEndpoints1796053394837 } from './1796053394837-token-endpoints';
import { NhsNumberConflict1796054391807 } from './1796054391807-nhs-number-conflict';
import { AgencyForms1796059624343 } from './1796059624343-agency-forms';
import { OutboxAndScheduledRuns1796060221629 } from './1796060221629-outbox-and-scheduled-runs';
import { FormRequestChasing1796062094744 } from './1796062094744-form-request-chasing';
import { FormAttachments1796064310041 } from './1796064310041-form-attachments';
import { PanelReviews1796069070106 } from './1796069070106-panel-reviews';
import { PanelMeetings1796069094970 } from './1796069094970-panel-meetings';
import { CaseFamily1796069109019 } from './1796069109019-case-family';
import { CaseTransfers1796077068481 } from './1796077068481-case-transfers';
import { SafeguardingReviews1796077081220 } from './1796077081220-safeguarding-reviews';
import { SafeguardingFlags1796077137414 } from './1796077137414-safeguarding-flags';

export const MIGRATIONS = [
  Directory1764057600000,
  IdentityAndAudit1764144000000,
  NotificationsAndCases1764230400000,
  IntakeInOneStatement1764316800000,
  ApiClientsChangeNotify1795605656485,
  IntakeInTypescript1796048597897,
  RateLimits1796052613040,
  TokenEndpoints1796053394837,
  NhsNumberConflict1796054391807,
  AgencyForms1796059624343,
  OutboxAndScheduledRuns1796060221629,
  FormRequestChasing1796062094744,
  FormAttachments1796064310041,
  PanelReviews1796069070106,
  PanelMeetings1796069094970,
  CaseFamily1796069109019,
  CaseTransfers1796077068481,
  SafeguardingReviews1796077081220,
  SafeguardingFlags1796077137414,
];
