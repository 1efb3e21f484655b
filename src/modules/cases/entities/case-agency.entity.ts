import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An agency involved with the child (from the notifications); drives form requests. Table `case_agencies`. */
@Entity({ name: 'case_agencies' })
export class CaseAgencyEntity {
  @PrimaryColumn({ type: 'uuid' })
  case_id!: string;

  @PrimaryColumn({ type: 'uuid' })
  agency_id!: string;

  /** The notification that first named the agency. */
  @Column({ type: 'uuid' })
  first_notification_id!: string;

  /** Contacts at the agency, as notified. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  contacts!: unknown[];
}
