// Which failed sign-ins mean a wrong password was tried: the codes brute force and password spray count.
// 50126 invalid username or password; 50053 locked by Smart Lockout (an attacker keeps trying a locked account);
// 50055/50144 expired passwords are left out (the password was right).
export const PASSWORD_FAILURE_CODES: ReadonlySet<number> = new Set([50126, 50053]);
