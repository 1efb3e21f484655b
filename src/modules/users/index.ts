// The users module: who am I, and the administration of people who sign in.
export { createUsersService, type UsersService } from './users.service';
export { usersRouter } from './users.routes';
export { coordinatorEmailsOfPanel, actorKindsOf, type User } from './users.repository';
export { UserEntity } from './entities/user.entity';
export {
  findUserForSignIn,
  createUserFromSignIn,
  refreshUserFromSignIn,
  clearUserRoles,
  type SignedInPerson,
  type SignInUser,
} from './users.sign-in';
