/**
 * What a merchant (and through it the payer) is told when WeChat answers a
 * snapshot-page user (`is_snapshotuser: 1`): the openId is a virtual one that
 * cannot pay, so it never comes back as a normal success.
 */
export const SNAPSHOT_USER_REFUSED =
  'WeChat gave a snapshot-page user (is_snapshotuser): a virtual openId that cannot pay. ' +
  'Ask the payer to open the full page (tap the button at the bottom of the snapshot page) and authorize again';
