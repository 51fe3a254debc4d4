import { OpenCommonDto } from './open-common.dto';

/** UnipayPingParam: the common fields only. */
export class OpenPingDto extends OpenCommonDto {}
