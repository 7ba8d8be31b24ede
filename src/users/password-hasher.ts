import { Injectable } from '@nestjs/common';
import bcrypt from 'bcrypt';

const COST = 12;
/** A valid hash of a random password: unknown users cost the same time as wrong passwords. */
const DECOY_HASH = '$2b$12$E4J4ADZJ.9YLbqRtptbjxezwjbn7Qmt6XmoiOckEbot6zzklaLdFa';

/** bcrypt, cost 12 (api-contract §2.5); comparison in constant time. */
@Injectable()
export class PasswordHasher {
  hash(password: string): Promise<string> {
    return bcrypt.hash(password, COST);
  }

  /** False for a missing hash too, after spending the same time as a real comparison. */
  async matches(password: string, hash: string | null | undefined): Promise<boolean> {
    const matched = await bcrypt.compare(password, hash ?? DECOY_HASH);
    return matched && Boolean(hash);
  }
}
