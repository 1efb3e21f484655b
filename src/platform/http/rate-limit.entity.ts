import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A rate-limit counter in rate-limiter-flexible's PostgreSQL layout (the
 * library reads and writes it; see rate-limit.ts). Table `rate_limits`.
 */
@Entity({ name: 'rate_limits' })
export class RateLimitEntity {
  /** `<limit>:<sha-256 of the client or address>` */
  @PrimaryColumn({ type: 'varchar', length: 255 })
  key!: string;

  @Column({ type: 'integer', default: 0 })
  points!: number;

  /** End of the window, in ms since the epoch. */
  @Column({ type: 'bigint', nullable: true })
  expire!: string | null;
}
