import type { Principal } from '../../access/principal';
import type { Tx } from '../../platform/db/transaction';
import type { Regime } from './rules';

/**
 * What the scr-triggers module needs from the safeguarding-reviews module, which owns the review referrals: to open
 * one when a flag is referred. app.ts wires it, so this module never imports safeguarding-reviews.
 */
export interface ReferralInput {
  caseId: string;
  panelId: string;
  regime: Regime;
  /** The flag(s) referred. */
  flagIds: string[];
  /** Which rules fired, for the record. */
  ruleIds: string[];
  /** The day (Europe/London) the responsible body became aware. */
  awareOn: string;
  /** The referrer's reason: free text, never logged. */
  reason?: string;
}

export interface SafeguardingReviewsForFlags {
  /** Opens a referral in the caller's transaction; audited by the reviews module. */
  open(tx: Tx, p: Principal, input: ReferralInput, at: Date): Promise<{ reviewId: string }>;
}
