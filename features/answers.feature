@answers
Feature: Operation answers and their referenceId
  Every operation (POST /me/interactions/{id}, PUT /interactions/{id},
  POST /me, POST /me/channels/{channel}) answers
  {"status":"ok","statusCode":0,"referenceId":N} when it succeeds. N links
  the request to its notifications: every message the operation causes for
  the caller repeats it; the messages it causes for other users, and those
  no user request caused, carry none. N is counted per user and grows with
  every successful operation of that user (gwsmock's policy: the suite
  only checks that a notification repeats the number of its request, the
  rest is @mock). A refused operation answers
  {"status":"error","errorDescription":TEXT,"statusCode":CODE,"statusMessage":TEXT}
  and takes no referenceId.

  Background:
    Given alice, bob, carol and dave are Ready on email and chat
    And alice, bob, carol and dave are listening

  @B4.14 @B4.16
  Scenario: The caller's notifications carry the referenceId of its request
    Given an email is routed to alice
    And alice's notification carries no referenceId
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "Accept"}
      """
    Then the response status is 200
    And the response matches:
      """
      {"status": "ok", "statusCode": 0, "referenceId": "{{number}}"}
      """
    And alice's request succeeds
    And alice is notified that it is Processing
    And alice's notification carries the referenceId of her last request
    And no one else is notified

  @B4.16 @B6.8
  Scenario: Every message one request causes for the caller carries its referenceId, the others' none
    Given an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing
    And alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And carol's notification carries no referenceId
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    And alice's notification carries the referenceId of her last request
    And carol accepts it
    And carol is notified that it is Processing with capabilities UpdateProperties and EndConference
    And carol's notification carries the referenceId of her last request
    And alice is notified that the participants are now alice as Owner and carol as Member
    And alice's notification carries no referenceId
    When carol updates its properties with:
      """
      {"note": "called back"}
      """
    Then carol is notified that its user data is now:
      """
      {"note": "called back"}
      """
    And carol's notification carries the referenceId of her last request
    And alice is notified that its user data is now:
      """
      {"note": "called back"}
      """
    And alice's notification carries no referenceId
    And no one else is notified

  @B4.16
  Scenario: A transfer's target hears of it without a referenceId
    Given an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing
    When alice transfers it to bob
    Then alice is notified that it is Transferred
    And alice's notification carries the referenceId of her last request
    And bob is notified that it is Invited
    And bob's notification carries no referenceId
    And no one else is notified

  @B4.16 @B4.25 @B4.28
  Scenario: An offer that the caller's own request made possible carries its referenceId
    Given alice is made NotReady on email
    And alice is notified that she is NotReady on email
    And bob is made NotReady on email
    And bob is notified that he is NotReady on email
    And carol is made NotReady on email
    And carol is notified that she is NotReady on email
    And dave is made NotReady on email
    And dave is notified that he is NotReady on email
    And an email arrives in queue email-inbound
    And nobody receives a notification
    When alice becomes Ready on email
    Then alice is notified that she is Ready on email
    And alice's notification carries the referenceId of her last request
    And alice is notified that it is Invited
    And alice's notification carries the referenceId of her last request
    And no one else is notified

  @mock @B4.16
  Scenario: Each user's referenceId grows with every successful operation
    Given an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing
    And the variable first is "{{alice.referenceId}}"
    When bob becomes NotReady on email
    And bob is notified that he is NotReady on email
    And alice updates its properties with:
      """
      {"step": 2}
      """
    Then alice is notified that its user data is now:
      """
      {"step": 2}
      """
    And the variable alice.referenceId is greater than first
    And alice's notification carries the referenceId of her last request
    And no one else is notified

  @mock @B4.16 @B4.26 @B4.28
  Scenario: Consecutive answers to one user never repeat a referenceId
    When alice becomes NotReady on email
    And alice is notified that she is NotReady on email
    And the variable first is "{{alice.referenceId}}"
    And alice becomes NotReady on chat
    And alice is notified that she is NotReady on chat
    And the variable second is "{{alice.referenceId}}"
    And alice goes Ready everywhere
    Then the variable second is greater than first
    And the variable alice.referenceId is greater than second
    And alice is notified that she is Ready on email
    And alice's notification carries the referenceId of her last request
    And alice is notified that she is Ready on chat
    And alice's notification carries the referenceId of her last request
    And no one else is notified

  @B4.14 @B4.16
  Scenario: PUT /interactions/{id} answers like an operation
    Given an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing
    When alice sends PUT /api/v2/interactions/{{it}} with:
      """
      {"email_object": {"subject": "Re: Order 1042"}}
      """
    Then alice's request succeeds
    And alice is notified that its channel data is now:
      """
      {"email_object": {"subject": "Re: Order 1042"}}
      """
    And alice's notification carries the referenceId of her last request
    And no one else is notified

  @B4.15 @B4.16 @B4.17
  Scenario Outline: A refused operation answers with both error forms (<status>)
    Given an email is routed to alice
    When <who> sends POST /api/v2/me/interactions/<id> with:
      """
      <body>
      """
    Then the response status is <status>
    And the response matches:
      """
      {"status": "error", "errorDescription": "{{capture:why}}", "statusCode": <code>, "statusMessage": "{{capture:why}}", "referenceId": "{{absent}}"}
      """
    And no one else is notified

    Examples:
      | status | who   | id               | body                          | code |
      | 400    | alice | {{it}}           | {"operationName": "Dance"}    | 1    |
      | 403    | bob   | {{it}}           | {"operationName": "Accept"}   | 5    |
      | 404    | alice | 0000000000000000 | {"operationName": "Accept"}   | 6    |
