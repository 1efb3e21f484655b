import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A signed-in person's session, in connect-pg-simple's layout (express-session
 * writes it through that store). Table `user_sessions`.
 */
@Entity({ name: 'user_sessions' })
export class UserSessionEntity {
  @PrimaryColumn({ type: 'varchar' })
  sid!: string;

  @Column({ type: 'json' })
  sess!: Record<string, unknown>;

  @Column({ type: 'timestamp', precision: 6 })
  expire!: Date;

  /**
   * Derived from sess.userId by PostgreSQL (GENERATED ALWAYS AS ... STORED), so a user's sessions can be
   * ended by id; read-only here. Not declared as generated: TypeORM would then keep a typeorm_metadata table.
   */
  @Column({ type: 'uuid', nullable: true, insert: false, update: false })
  user_id!: string | null;
}
