// The users module: who am I, and the administration of people who sign in.
export { createUsersService } from './users.service';
export { usersRouter } from './users.routes';
export { coordinatorEmailsOfPanel, actorKindsOf } from './users.repository';
export { UserEntity } from './entities/user.entity';
export { findUserForSignIn, createUserFromSignIn, refreshUserFromSignIn, clearUserRoles, type SignedInPerson } from './users.sign-in';
