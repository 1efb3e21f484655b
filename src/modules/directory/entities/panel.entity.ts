import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A Child Death Overview Panel; its code prefixes case references (WOR-2026-0042). Table `panels`. */
@Entity({ name: 'panels' })
export class PanelEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  code!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  contact_email!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated_at!: Date;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}
