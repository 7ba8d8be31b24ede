import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'streamspace:isPublic';

/** Marks a controller or route as reachable without a token (api-contract §3.0 "public"). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
